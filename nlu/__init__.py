"""Understanding families' messages: normalisation, numbers, entities, Rasa components."""
