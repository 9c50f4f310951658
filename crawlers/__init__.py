"""Crawling: Scrapy spiders driven by declarative site profiles."""
