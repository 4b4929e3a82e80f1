"""The 2-D maps: pictures of the embeddings, where a new digit lands, what a box selects."""
