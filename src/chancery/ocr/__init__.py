"""Reading text from scans."""
