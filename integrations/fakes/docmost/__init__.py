"""An in-process Docmost 0.95.0 (the REST API the bridge uses), as a requests transport."""
