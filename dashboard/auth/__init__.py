"""Sign-in and roles: ``access`` (who is here, what they may do, the checks before every write), ``text``."""
