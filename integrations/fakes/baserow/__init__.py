"""An in-process Baserow 1.35.3 (the REST API the bridge uses), as a requests transport."""
