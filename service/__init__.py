"""The StackGraph service: one long-lived process over one open store, serving a JSON API and a web UI.

``service.app.create_app(settings)`` builds the ASGI app; ``stackgraph serve`` runs it with uvicorn.
The API (service/api.py and a router per resource beside it, api_technologies.py, api_companies.py,
api_episodes.py) and the pages (service/pages.py) are as thin as the CLI: each route is one call into
queries/ or loaders/ and the shaping of what comes back. Errors are problem details (service/problems.py).
"""
