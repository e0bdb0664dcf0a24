"""Every Redis key Dateline writes, as namespaced templates in one place.

Scripts touching several keys must keep them in one Redis Cluster slot ({hash tags}).
RQ's own keys (`rq:queue:ingest`, its registries and jobs) are RQ's.
"""

QUEUE = "ingest"
RECORDED_URLS = "dateline:recorded"  # zset: url key -> when its page was recorded
LISTING_VALIDATORS = "dateline:listings:{}"  # source_id -> {url: "etag\tlast-modified"}
QUEUED_URL = "dateline:queued:{}"  # url key -> enqueued, not yet recorded (SET NX, TTL)
PAGE_BODY = "dateline:body:{}"  # token -> a queued page's body, until it is recorded
CRAWL_LOCK = "dateline:lock:crawl:{}"  # source_id -> crawl run holding it
# The dedupe index, all in one slot: content buckets, article records, band buckets.
# (doubled braces: a literal hash tag in a str.format template)
DEDUPE_ALL = "dateline:{dedupe}:*"  # for a rebuild's SCAN
DEDUPE_CONTENT = "dateline:{{dedupe}}:c:{}"  # bucket -> {content hash: article id}
DEDUPE_ARTICLE = "dateline:{{dedupe}}:a:{}"  # id (16 hex) -> signature + decision
DEDUPE_BAND = "dateline:{{dedupe}}:b:{}:{}"  # band, bucket -> (band hash, id) entries
# the band buckets of the layout before 4,096 buckets a band (256): a rebuild
# moves an index from it (DedupeIndex.older_layout)
DEDUPE_BAND_256 = "dateline:{{dedupe}}:s:{}:{}"
DATABASE_ID = "dateline:database_id"  # the id of the database this Redis serves
