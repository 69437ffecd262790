"""Only for `scrapyd-deploy`, which builds the project's egg with `python setup.py bdist_egg` and would
otherwise write a setup.py of its own (named "project") into the checkout. Everything, including the
`scrapy` entry point Scrapyd reads the settings module from, is declared in pyproject.toml."""

from setuptools import setup

setup()
