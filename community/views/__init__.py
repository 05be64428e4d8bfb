"""Views of the community app, one module per area (thin: parse, call a service or selector, render)."""
