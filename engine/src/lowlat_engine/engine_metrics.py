"""The engine's Prometheus metrics (names documented in README "Metrics")."""

from __future__ import annotations

import platform

from lowlat_engine import __version__
from lowlat_engine.engine import Engine
from lowlat_engine.metrics import Registry
from lowlat_engine.risk import PRE_TRADE_REASONS, HaltReason
from lowlat_engine.wire import decode_symbol


def build_registry(engine: Engine) -> Registry:
    reg = Registry("lowlat_engine_")
    feed = engine.feed
    seq = feed.sequencer
    risk = engine.risk
    gw = engine.gateway

    reg.gauge(
        "build_info",
        "Build and version information (value is always 1).",
        lambda: [({"version": __version__, "python": platform.python_version()}, 1)],
    )
    reg.gauge("start_time_seconds", "Unix time the engine started.", lambda: engine.started_at)
    reg.gauge(
        "ready", "1 when the feed is joined and the venue session is active.", lambda: int(engine.ready)
    )
    reg.gauge("feed_joined", "1 once the books have been built from the feed.", lambda: int(seq.joined))
    reg.gauge(
        "feed_state",
        "Feed sequencer state: 0 joining, 1 live, 2 recovering, 3 snapshot.",
        lambda: int(seq.state),
    )
    reg.gauge(
        "venue_connected", "1 when the venue session is logged in and replayed.", lambda: int(gw.active)
    )

    reg.gauge(
        "feed_sequence",
        "Last feed sequence number applied to the books (compare with the publisher's).",
        lambda: seq.expected - 1,
    )
    reg.counter("messages_total", "Market data messages applied to the books.", lambda: feed.messages)
    reg.counter("packets_total", "Market data datagrams received and parsed.", lambda: seq.packets)
    reg.counter(
        "bad_packets_total", "Datagrams dropped because they broke the wire format.", lambda: seq.bad_packets
    )
    reg.counter(
        "feed_bad_messages_total",
        "Level updates dropped because their side or price broke the wire format.",
        lambda: feed.bad_messages,
    )
    reg.counter("feed_gaps_total", "Sequence gaps detected on the live feed.", lambda: seq.gaps)
    reg.counter(
        "feed_gap_messages_total",
        "Messages missing at the moment gaps were detected.",
        lambda: seq.gap_messages,
    )
    reg.counter(
        "feed_recovered_messages_total", "Messages recovered by retransmission.", lambda: seq.recovered
    )
    reg.counter(
        "feed_snapshots_total", "Snapshots applied (late join or unrecoverable gap).", lambda: seq.snapshots
    )
    reg.counter("feed_duplicates_total", "Messages received again and skipped.", lambda: seq.duplicates)
    reg.counter(
        "feed_recovery_requests_total",
        "Retransmission and snapshot requests sent.",
        lambda: feed.requests_sent,
    )
    reg.gauge(
        "feed_socket_rcvbuf_bytes",
        "Receive buffer the kernel granted the feed socket (capped by net.core.rmem_max).",
        lambda: feed.rcvbuf,
    )
    reg.gauge(
        "feed_buffered_messages", "Messages held while a gap is being filled.", lambda: seq.buffered_messages
    )

    reg.counter("orders_sent_total", "Orders sent to the venue.", lambda: engine.orders_sent)
    reg.counter("order_acks_total", "Order acknowledgements from the venue.", lambda: engine.acks)
    reg.counter("fills_total", "Fills (executions) received.", lambda: engine.fills)
    reg.counter(
        "order_cancels_total", "Orders whose remainder the venue canceled (IOC).", lambda: engine.cancels
    )
    reg.counter("venue_rejects_total", "Orders rejected by the venue.", lambda: engine.venue_rejects)
    reg.counter(
        "order_timeouts_total",
        "Orders not acknowledged within venue.order_timeout_ms.",
        lambda: engine.order_timeouts,
    )
    reg.counter(
        "orders_lost_total",
        "Journaled orders the venue never received (found at login).",
        lambda: engine.orders_lost,
    )
    reg.counter(
        "risk_rejects_total",
        "Orders stopped by pre-trade risk, by check.",
        lambda: [({"reason": r.label}, risk.rejects[r]) for r in PRE_TRADE_REASONS],
    )
    reg.counter(
        "halts_total",
        "Times the kill switch was engaged, by cause.",
        lambda: [({"reason": r.label}, risk.halts[r]) for r in HaltReason],
    )
    reg.gauge(
        "kill_switch_engaged", "1 while the kill switch halts order sending.", lambda: int(risk.kill_switch)
    )
    reg.counter(
        "dead_letters_total", "Records written to the dead-letter journal.", lambda: engine.dead_letters
    )
    reg.counter("journal_records_total", "Records in the main journal.", lambda: engine.journal.records)
    reg.counter("journal_fsyncs_total", "fdatasync calls on the main journal.", lambda: engine.journal.fsyncs)
    reg.gauge(
        "journal_truncated_bytes",
        "Bytes cut from corrupt or torn journal tails at startup.",
        lambda: engine.journal_truncated_bytes,
    )
    reg.gauge(
        "journal_damaged",
        "1 when the main journal was found damaged before its end at startup (kept aside, halted).",
        lambda: engine.journal_damaged,
    )
    reg.counter(
        "venue_invalid_messages_total",
        "Venue messages with a field out of range: dead-lettered, not applied; they halt.",
        lambda: engine.venue_invalid_messages,
    )
    reg.counter(
        "venue_sequence_gaps_total",
        "Venue messages beyond the next expected sequence (a new login asks for a replay).",
        lambda: engine.venue_seq_gaps,
    )
    reg.counter(
        "venue_gap_messages_total",
        "Venue sequence numbers missing at the moment the gaps were detected.",
        lambda: engine.venue_gap_messages,
    )
    reg.counter(
        "venue_duplicate_messages_total",
        "Venue messages already applied (overlap of a login replay) and skipped.",
        lambda: engine.venue_duplicates,
    )
    reg.counter(
        "signals_without_venue_total",
        "Strategy signals dropped because the venue session was not active.",
        lambda: engine.signals_without_venue,
    )
    reg.counter("venue_connects_total", "TCP connections established to the venue.", lambda: gw.connects)
    reg.counter("venue_disconnects_total", "Venue sessions lost after login.", lambda: gw.disconnects)
    reg.gauge("open_orders", "Orders sent and not yet done.", lambda: len(engine.blotter.open))

    def positions():
        symbols = set(feed.books) | set(engine.blotter.positions)
        return [({"symbol": decode_symbol(s)}, engine.blotter.positions.get(s, 0)) for s in sorted(symbols)]

    reg.gauge("position", "Net position in shares per symbol (from venue fills).", positions)
    reg.gauge(
        "hugepages_backed", "1 when hot-path buffers live on hugetlbfs.", lambda: int(engine.arena.huge_pages)
    )

    reg.histogram(
        "tick_to_trade_seconds",
        "Datagram receive to order handed to the kernel (includes risk and journal write).",
        engine.tick_to_trade,
    )
    reg.histogram(
        "order_to_ack_seconds", "Order sent to venue acknowledgement received.", engine.order_to_ack
    )
    reg.histogram(
        "feed_latency_seconds",
        "Exchange timestamp to datagram receive (wall clock; meaningful when clocks are synced).",
        engine.feed_latency,
    )
    return reg
