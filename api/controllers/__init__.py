"""One controller per resource: parse the request, call a registry service, shape the answer."""
