"""Pipeline stages: small named functions ``Document -> Document``.

Each module defines one ``STAGE`` (see ``veille.pipeline.Stage``) that declares what
it requires and what it adds.
"""
