"""Every Redis key Dateline writes, as namespaced templates in one place.

Scripts touching several keys must keep them in one Redis Cluster slot ({hash tags}).
"""

QUEUE = "ingest"
CONTENT_OWNER = "dateline:content:{}"  # content hash -> article_id of the first copy
RECORDED_URLS = "dateline:recorded"  # zset: url key -> when its page was recorded
LISTING_VALIDATORS = "dateline:listings:{}"  # source_id -> {url: "etag\tlast-modified"}
QUEUED_URL = "dateline:queued:{}"  # url key -> enqueued, not yet recorded (SET NX, TTL)
PAGE_BODY = "dateline:body:{}"  # token -> a queued page's body, until it is recorded
CRAWL_LOCK = "dateline:lock:crawl:{}"  # source_id -> crawl run holding it
