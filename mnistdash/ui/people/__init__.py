"""The people pages' parts: the quiz, the review store's UI, a person's anonymous id."""
