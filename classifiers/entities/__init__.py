"""Entity extraction: phones, e-mails, handles, bank and payment details, crypto wallets,
prices and quantities, each with a span into the original text (see ``base.py``)."""

from classifiers.entities.base import ENTITY_TYPES, IDENTIFIER_TYPES, Entity
from classifiers.entities.extractor import EntityExtractor

__all__ = ["ENTITY_TYPES", "IDENTIFIER_TYPES", "Entity", "EntityExtractor"]
