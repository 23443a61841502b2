"""PDF and HTML reports rendered with WeasyPrint."""
