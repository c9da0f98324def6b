"""One module per page; each defines TITLE and render(ctx). See kb_app.registry."""
