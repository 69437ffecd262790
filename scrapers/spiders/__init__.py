"""Spiders of the internscope project. `programs` is the generic one; site-specific
spiders, when needed, are declarations on `scrapers.spiders.base.ProviderSpider`."""
