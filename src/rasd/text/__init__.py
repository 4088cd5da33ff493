"""Text basics every stage shares: Arabic normalisation, clitic-aware tokens, sentences, language id, and the
calendar vocabulary.  The bottom of the flow: it imports only `rasd.model`."""
