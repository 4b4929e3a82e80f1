"""Beyond clean test digits: adversarial attacks, the 'not a digit' score, noise."""
