"""Blueprints: thin glue between HTTP and the pure modules."""
