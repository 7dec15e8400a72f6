"""trustcheck: what does this app's code do with the API key you paste into it?"""

__version__ = "0.1.0"
