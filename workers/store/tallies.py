"""Counts kept as records are written, so `status` and `clusters` cost the same
at a million records as at a thousand (bench-scale).

`tallies` holds the records per source and kind (original, exact, near; a page's
outcome) and `cluster_sizes` each cluster's size and first storing. Both are
kept by triggers on `articles` and `pages`, so no write path can miss them.

SQLite serializes its writers, so its triggers update the counts directly. On
PostgreSQL many workers write at once and a job writes several records: counter
rows updated as the records come would be locked in a different order by two
jobs (a deadlock). There the triggers append each change to `tally_changes`
(no shared row is locked), and the writing transaction folds its own changes
into the counts as its last step, in key order: every writer takes the counter
locks in one order, just before it commits.
"""

from __future__ import annotations

KINDS = "COALESCE({row}.dup_kind, 'original')"


def _count_in(kind: str, cluster: bool) -> str:
    """SQLite: a `new` row counted under `kind` (and in its cluster)."""
    return (
        f"INSERT INTO tallies VALUES (new.source_id, {kind}, 1) "
        "ON CONFLICT (source_id, kind) DO UPDATE SET n = n + 1;\n"
    ) + (
        "INSERT INTO cluster_sizes SELECT new.cluster_id, 1, new.stored_at "
        "WHERE new.cluster_id IS NOT NULL ON CONFLICT (cluster_id) DO UPDATE SET "
        "size = size + 1, first_stored = MIN(first_stored, excluded.first_stored);\n"
        if cluster
        else ""
    )


def _count_out(kind: str, cluster: bool) -> str:
    """SQLite: an `old` row no longer counted under `kind` (nor in its cluster)."""
    return (
        "UPDATE tallies SET n = n - 1 "
        f"WHERE source_id = old.source_id AND kind = {kind};\n"
    ) + (
        "UPDATE cluster_sizes SET size = size - 1 WHERE cluster_id = old.cluster_id;\n"
        if cluster
        else ""
    )


def _triggers(table: str, columns: str, new: str, old: str, cluster: bool) -> str:
    """SQLite: a table's rows counted in on insert, out on delete, and out then
    in when a counted column changes."""
    count_in, count_out = _count_in(new, cluster), _count_out(old, cluster)
    return (
        f"CREATE TRIGGER IF NOT EXISTS tally_{table}_insert AFTER INSERT ON "
        f"{table}s BEGIN\n{count_in}END;\n"
        f"CREATE TRIGGER IF NOT EXISTS tally_{table}_delete AFTER DELETE ON "
        f"{table}s BEGIN\n{count_out}END;\n"
        f"CREATE TRIGGER IF NOT EXISTS tally_{table}_update AFTER UPDATE OF "
        f"{columns} ON {table}s BEGIN\n{count_out}{count_in}END;\n"
    )


SQLITE = (
    """
CREATE TABLE IF NOT EXISTS tallies (
    source_id TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (source_id, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cluster_sizes (
    cluster_id TEXT PRIMARY KEY, size INTEGER NOT NULL, first_stored TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cluster_sizes_big
ON cluster_sizes (size DESC, first_stored);
"""
    + _triggers(
        "article",
        "source_id, dup_kind, cluster_id",
        KINDS.format(row="new"),
        KINDS.format(row="old"),
        cluster=True,
    )  # fmt: skip
    + _triggers(
        "page", "source_id, outcome", "new.outcome", "old.outcome", cluster=False
    )
)

# The counts of the records already there, when a database gains the tables
BACKFILL = [
    "DELETE FROM tallies",
    "DELETE FROM cluster_sizes",
    "INSERT INTO tallies (source_id, kind, n) "
    f"SELECT source_id, {KINDS.format(row='articles')}, COUNT(*) FROM articles "
    "GROUP BY 1, 2",
    "INSERT INTO tallies (source_id, kind, n) "
    "SELECT source_id, outcome, COUNT(*) FROM pages GROUP BY 1, 2",
    "INSERT INTO cluster_sizes (cluster_id, size, first_stored) "
    "SELECT cluster_id, COUNT(*), MIN(stored_at) FROM articles "
    "WHERE cluster_id IS NOT NULL GROUP BY 1",
]
# bench-scale's indexes for `status`, which the counts now answer
DROPPED = [
    "DROP INDEX IF EXISTS articles_source_kind",
    "DROP INDEX IF EXISTS pages_source_outcome",
]

CHANGE = "INSERT INTO tally_changes (source_id, kind, cluster_id, stored_at, d) VALUES"
POSTGRES = [
    """CREATE TABLE IF NOT EXISTS tallies (
        source_id TEXT NOT NULL, kind TEXT NOT NULL, n BIGINT NOT NULL,
        PRIMARY KEY (source_id, kind))""",
    """CREATE TABLE IF NOT EXISTS cluster_sizes (
        cluster_id TEXT PRIMARY KEY, size INTEGER NOT NULL,
        first_stored TIMESTAMPTZ NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS cluster_sizes_big "
    "ON cluster_sizes (size DESC, first_stored)",
    """CREATE TABLE IF NOT EXISTS tally_changes (
        tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
        source_id TEXT NOT NULL, kind TEXT NOT NULL, cluster_id TEXT,
        stored_at TIMESTAMPTZ, d INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS tally_changes_tx ON tally_changes (tx)",
    f"""CREATE OR REPLACE FUNCTION dateline_tally_article() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {CHANGE} (OLD.source_id, {KINDS.format(row="OLD")}, OLD.cluster_id,
                      NULL, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {CHANGE} (NEW.source_id, {KINDS.format(row="NEW")}, NEW.cluster_id,
                      NEW.stored_at, 1);
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION dateline_tally_page() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {CHANGE} (OLD.source_id, OLD.outcome, NULL, NULL, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {CHANGE} (NEW.source_id, NEW.outcome, NULL, NULL, 1);
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE OR REPLACE TRIGGER tally_article_insert AFTER INSERT OR DELETE ON articles "
    "FOR EACH ROW EXECUTE FUNCTION dateline_tally_article()",
    "CREATE OR REPLACE TRIGGER tally_article_update AFTER UPDATE OF source_id, "
    "dup_kind, cluster_id ON articles "
    "FOR EACH ROW EXECUTE FUNCTION dateline_tally_article()",
    "CREATE OR REPLACE TRIGGER tally_page_insert AFTER INSERT OR DELETE ON pages "
    "FOR EACH ROW EXECUTE FUNCTION dateline_tally_page()",
    "CREATE OR REPLACE TRIGGER tally_page_update AFTER UPDATE OF source_id, outcome "
    "ON pages FOR EACH ROW EXECUTE FUNCTION dateline_tally_page()",
]
# A PostgreSQL writer's last statements: its own changes folded, in key order
FOLD = [
    "INSERT INTO tallies (source_id, kind, n) SELECT source_id, kind, SUM(d) "
    "FROM tally_changes WHERE tx = pg_current_xact_id() GROUP BY 1, 2 ORDER BY 1, 2 "
    "ON CONFLICT (source_id, kind) DO UPDATE SET n = tallies.n + excluded.n",
    "INSERT INTO cluster_sizes (cluster_id, size, first_stored) "
    "SELECT cluster_id, SUM(d), COALESCE(MIN(stored_at), now()) FROM tally_changes "
    "WHERE tx = pg_current_xact_id() AND cluster_id IS NOT NULL "
    "GROUP BY 1 ORDER BY 1 ON CONFLICT (cluster_id) DO UPDATE SET "
    "size = cluster_sizes.size + excluded.size, "
    "first_stored = LEAST(cluster_sizes.first_stored, excluded.first_stored)",
    "DELETE FROM tally_changes WHERE tx = pg_current_xact_id()",
]
