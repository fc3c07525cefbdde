"""The analyst's desk: ``create_app(veille)`` builds the FastAPI app that ``veille serve`` runs."""
from __future__ import annotations


def create_app(veille):
    from veille.web.app import create_app as build

    return build(veille)
