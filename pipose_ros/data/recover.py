"""Recover a rosbag2 MCAP recording that was cut short (SIGKILL, power loss, full disk).

An MCAP file is a sequence of records (https://mcap.dev/spec): a header, then chunks (each holds
whole messages, their schemas and channels), and at the end a summary and a footer. A recording
that is killed leaves the chunks written so far and no summary, no footer, and no rosbag2
``metadata.yaml`` (rosbags writes it at close), so ``ros2 bag info`` and rosbags' reader refuse
the folder. This module reads such a file record by record with the ``mcap`` package's
``StreamReader`` (which stops with ``EndOfFile`` at the first incomplete record: everything before
it — every complete chunk — is intact) and writes the messages into a new, complete rosbag2 folder
with rosbags' writer (MCAP + metadata.yaml, the topics' offered QoS kept). It is what
``ros2 bag reindex`` does for a bag whose metadata is lost, plus the truncated tail.

``pipose bag recover BAG`` runs it; ``pipose dataset from-bag`` calls it by itself for a bag that
needs it and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MCAP_MAGIC = b"\x89MCAP0\r\n"


@dataclass
class RecoverReport:
    """What :func:`recover_bag` found and wrote.

    ``messages``: per topic, messages recovered; ``truncated``: True when a file ended inside a
    record (its incomplete tail, ``dropped_bytes`` long, is lost); ``end_ns``: the last
    recovered message's log time (ns since the epoch); ``skipped_types``: message types the
    typestore does not know (their messages are not copied)."""

    source: str
    out: str
    reason: str
    messages: dict[str, int] = field(default_factory=dict)
    truncated: bool = False
    dropped_bytes: int = 0
    end_ns: int = 0
    skipped_types: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.messages.values())

    def summary(self) -> str:
        """One line for the log."""
        tail = (f"the file ended inside a record: its incomplete last {self.dropped_bytes / 1e6:.2f} MB are lost"
                if self.truncated else "no truncated tail")
        return (f"{self.source}: {self.reason}; recovered {self.total} messages ("
                + ", ".join(f"{t} {n}" for t, n in sorted(self.messages.items()))
                + f") up to the last complete chunk, {tail}" + (f"; skipped unknown types {self.skipped_types}"
                                                                if self.skipped_types else ""))


def _mcap_files(bag: Path) -> list[Path]:
    return [bag] if bag.suffix == ".mcap" else sorted(bag.glob("*.mcap"))


def needs_recovery(bag: str | Path) -> str | None:
    """Why the rosbag2 folder (or .mcap file) ``bag`` cannot be read as it is, or None when it
    can: no ``metadata.yaml`` (the recorder did not close it), or an MCAP file without its footer
    (cut short). A sqlite3 bag, or a folder without any .mcap file, gives None (nothing to do)."""
    bag = Path(bag)
    files = _mcap_files(bag)
    if not files:
        return None
    for f in files:
        size = f.stat().st_size
        with f.open("rb") as fh:
            if size < 2 * len(MCAP_MAGIC):
                return f"{f.name} is only {size} bytes"
            fh.seek(-len(MCAP_MAGIC), 2)
            if fh.read() != MCAP_MAGIC:
                return f"{f.name} has no MCAP footer (the recording was cut short: killed, power loss or disk full)"
    if bag.is_dir() and not (bag / "metadata.yaml").exists():
        return "metadata.yaml is missing (the recorder did not close the bag)"
    return None


def recover_bag(bag: str | Path, out: str | Path, reason: str | None = None) -> RecoverReport:
    """Copy every message of the complete records of ``bag``'s MCAP file(s) into a new rosbag2
    folder ``out`` (MCAP, metadata.yaml), in file order.

    Args:
        bag: rosbag2 folder (or one .mcap file) written by ``pipose record`` or ``ros2 bag record``.
        out: folder to create (must not exist).
        reason: what :func:`needs_recovery` said (for the report).
    Returns: :class:`RecoverReport`. Raises ``FileNotFoundError`` (no .mcap in ``bag``),
    ``FileExistsError`` (``out`` exists), ``ValueError`` (not an MCAP file, or no message at all).
    """
    from mcap.exceptions import EndOfFile, McapError
    from mcap.records import Channel, Message, Schema
    from mcap.stream_reader import StreamReader
    from rosbags.rosbag2 import StoragePlugin, Writer
    from rosbags.rosbag2.metadata import parse_qos
    from rosbags.typesys import Stores, get_typestore

    bag, out = Path(bag), Path(out)
    files = _mcap_files(bag)
    if not files:
        raise FileNotFoundError(f"no .mcap file in {bag}")
    if out.exists():
        raise FileExistsError(f"{out} exists")
    ts = get_typestore(Stores.ROS2_KILTED)
    rep = RecoverReport(source=str(bag), out=str(out), reason=reason or needs_recovery(bag) or "complete bag")
    writer = Writer(out, version=9, storage_plugin=StoragePlugin.MCAP)
    writer.open()
    conns: dict[str, object] = {}
    try:
        for f in files:
            schemas: dict[int, Schema] = {}
            channels: dict[int, Channel] = {}
            size = f.stat().st_size
            with f.open("rb") as fh:
                reader = StreamReader(fh, emit_chunks=False)
                good_end = 0  # where the last complete record ends (a chunk is read whole)
                try:
                    for rec in reader.records:
                        good_end = fh.tell()
                        if isinstance(rec, Schema):
                            schemas[rec.id] = rec
                        elif isinstance(rec, Channel):
                            channels[rec.id] = rec
                        elif isinstance(rec, Message):
                            ch = channels.get(rec.channel_id)
                            if ch is None:
                                continue
                            msgtype = schemas[ch.schema_id].name if ch.schema_id in schemas else ""
                            if msgtype not in ts.types:
                                if msgtype not in rep.skipped_types:
                                    rep.skipped_types.append(msgtype)
                                continue
                            if ch.topic not in conns:
                                qos = parse_qos(ch.metadata.get("offered_qos_profiles", "")) \
                                    if ch.metadata.get("offered_qos_profiles") else ()
                                conns[ch.topic] = writer.add_connection(ch.topic, msgtype, typestore=ts,
                                                                        offered_qos_profiles=qos)
                            writer.write(conns[ch.topic], rec.log_time, rec.data)
                            rep.messages[ch.topic] = rep.messages.get(ch.topic, 0) + 1
                            rep.end_ns = max(rep.end_ns, rec.log_time)
                except EndOfFile:
                    rep.truncated = True
                    rep.dropped_bytes += size - good_end
                except McapError as e:
                    if not rep.total:
                        raise ValueError(f"{f} is not a readable MCAP file: {e}") from e
                    rep.truncated = True
                    rep.dropped_bytes += size - good_end
    finally:
        writer.close()
    if not rep.total:
        raise ValueError(f"{bag}: no complete message to recover ({rep.reason})")
    return rep
