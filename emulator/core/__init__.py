"""Pure domain: stdlib and phonenumbers only. Knows nothing of HTTP, YAML or the environment."""
