"""Prometheus metrics of the live path (served at ``/metrics``; see docs/operations.md).

Names are ``plenary_*``; labels never carry speech content or personal data.
"""

from prometheus_client import Counter, Gauge, Histogram

ASR_STREAMS = Gauge("plenary_asr_streams", "Floor audio streams being recognised here.")
ASR_QUEUE_SECONDS = Gauge(
    "plenary_asr_queue_seconds",
    "Seconds of audio received but not yet recognised, per meeting.",
    ["meeting"],
)
CAPTION_LAG_SECONDS = Gauge(
    "plenary_caption_lag_seconds",
    "How long the oldest unrecognised audio of a meeting's stream has waited.",
    ["meeting"],
)
ASR_REAL_TIME_FACTOR = Histogram(
    "plenary_asr_real_time_factor",
    "Recognition compute time per second of audio, per recognition step.",
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0),
)
CAPTION_DRAFTS_SKIPPED = Counter(
    "plenary_caption_drafts_skipped_total", "Draft updates skipped because recognition lagged."
)
CAPTION_FINALS = Counter("plenary_caption_finals_total", "Final captions committed.")
TRANSLATION_SECONDS = Histogram(
    "plenary_translation_seconds",
    "Time to translate one final caption into one language.",
    ["engine"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0),
)
AUDIO_FRAMES_REFUSED = Counter(
    "plenary_audio_frames_refused_total", "Speaker audio frames refused, by reason.", ["reason"]
)
RTP_PACKETS_DROPPED = Counter(
    "plenary_rtp_packets_dropped_total",
    "Datagrams on a floor turn's RTP port not taken: from elsewhere (source), of another "
    "stream (ssrc), not a packet of the stream (bad_packet, late), or beyond the queue (full).",
    ["reason"],
)
