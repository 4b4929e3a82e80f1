"""The Explain page's parts: class B, the cached attributions, the sections and the trust tables."""
