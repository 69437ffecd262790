"""The internscope Scrapy project: settings, spiders and URL rules (see docs/ARCHITECTURE.md)."""
