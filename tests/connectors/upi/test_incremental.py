"""CreationTimeCursor: the late-arrival window arithmetic, without a source."""

from datetime import UTC, datetime, timedelta

from connectors.upi.incremental import CreationTimeCursor

T0 = datetime(2026, 8, 1, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_fresh_cursor_starts_at_the_configured_time():
    cursor = CreationTimeCursor.load(None, window=HOUR, start=T0)
    assert cursor.read_from == T0 and not cursor.is_new("a", T0 - timedelta(seconds=1))
    assert CreationTimeCursor.load(None, window=HOUR).is_new("a", datetime(2000, 1, 1,
                                                                          tzinfo=UTC))


def test_advance_keeps_the_window_and_forgets_older_ids():
    cursor = CreationTimeCursor(window=HOUR).advance(
        [("old", T0), ("mid", T0 + 90 * timedelta(minutes=1)), ("new", T0 + 2 * HOUR)], {})
    assert cursor.watermark == T0 + 2 * HOUR and cursor.read_from == T0 + HOUR
    assert set(cursor.seen) == {"mid", "new"}
    assert not cursor.is_new("mid", T0 + 90 * timedelta(minutes=1))
    assert cursor.is_new("late", T0 + 75 * timedelta(minutes=1))   # late, inside the window
    assert not cursor.is_new("too_late", T0 + 30 * timedelta(minutes=1))


def test_read_from_never_moves_back_and_json_round_trips():
    cursor = CreationTimeCursor(window=HOUR).advance([("a", T0 + 3 * HOUR)], {"f.csv:2": T0})
    wider = CreationTimeCursor.load(cursor.dump(), window=5 * HOUR)
    assert wider.advance([("b", T0 + 3 * HOUR)], {}).read_from == T0 + 2 * HOUR
    assert CreationTimeCursor.load(cursor.dump(), window=HOUR) == cursor
    assert cursor.reported == {}  # the report key's file is older than the window


def test_advance_columns_is_advance():
    """The Arrow form gives the same cursor as advance, though it converts only what stays."""
    import pyarrow as pa

    start = CreationTimeCursor(window=HOUR).advance([("a", T0 + HOUR)], {"f.csv:2": T0 + HOUR})
    delivered = [(f"id{i}", T0 + i * timedelta(minutes=7)) for i in range(9, 40)]
    ids = pa.chunked_array([pa.array([i for i, _ in delivered])])
    created = pa.chunked_array([pa.array([t for _, t in delivered], pa.timestamp("us", "UTC"))])
    reported = {"f.csv:9": T0 + 3 * HOUR}
    assert start.advance_columns(ids, created, reported) == start.advance(delivered, reported)
    assert start.advance_columns(ids.slice(0, 0), created.slice(0, 0), {}) == start.advance([], {})
