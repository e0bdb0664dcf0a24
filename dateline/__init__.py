"""Dateline, a news ingestion pipeline: Scrapy crawls, trafilatura extracts, RQ
workers normalize, deduplicate and store one record per article.

This package is the command line (`dateline.cli`) and what each command runs.
Importing it is light: no Scrapy, trafilatura or database driver is loaded until
a command needs it.
"""
