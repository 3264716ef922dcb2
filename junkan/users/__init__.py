"""People who sign in to the web pages on behalf of a participant."""
