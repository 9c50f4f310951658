"""Settings sections of entity extraction, the image stage, takedown feeds, audiences and
e-mail.

Declared with ``setting`` like every other section and assembled into
``wildtrace.config.Settings``; kept here so that module stays readable in one sitting.
"""

from __future__ import annotations

from dataclasses import dataclass

from wildtrace.config_fields import setting


@dataclass(frozen=True)
class EntitiesSettings:
    rates_file: str = setting(
        "",
        "Dated exchange-rate table (TOML) prices are normalised with; empty = the shipped one.",
    )
    link_networks: bool = setting(
        True, "Extract entities from classified listings and link sellers into networks."
    )


@dataclass(frozen=True)
class ImageSettings:
    enabled: bool = setting(True, "Analyse listing images: safe decoding, PDQ/pHash, concepts.")
    encoder: str = setting(
        "efficientnet-lite0",
        "Image encoder for concept scores and heads: `efficientnet-lite0` or `none` (hashes only).",
    )
    bank_path: str = setting("", "Hash-bank SQLite file; empty = <data.dir>/image_bank.sqlite.")
    pdq_max_distance: int = setting(31, "A bank match is a PDQ Hamming distance at most this.")
    pdq_min_quality: int = setting(
        50, "PDQ hashes of lower quality are neither stored nor matched."
    )
    linear_scan_below: int = setting(
        2048, "Banks smaller than this are scanned linearly; larger ones use the MIH index."
    )
    max_pixels: int = setting(40_000_000, "Images declaring more pixels are refused as bombs.")
    thumbnail_size: int = setting(256, "Longest side of desk thumbnails, in pixels.")
    head_dir: str = setting(
        "", "Image head trained by `train-image`; empty = <data.dir>/models/image-head."
    )


@dataclass(frozen=True)
class FeedSettings:
    auto_sources: list[str] = setting([], "Sources (`*`: all) feeding unconfirmed takedown alerts.")
    webhook_max_attempts: int = setting(3, "Webhook attempts before an item is a dead letter.")
    webhook_backoff_seconds: float = setting(30.0, "First webhook retry delay (doubles; jitter).")
    webhook_timeout: float = setting(10.0, "Webhook request timeout, in seconds.")
    webhook_allow_private: list[str] = setting([], "Non-public hosts/CIDRs webhooks may reach.")
    push_interval_seconds: int = setting(
        60, "`wildtrace run` queues and delivers webhooks this often (0: never).", minimum=0
    )
    recheck_interval_minutes: float = setting(
        360.0, "Re-check every listing sent to a partner this often.", minimum=0.001
    )
    recheck_batch: int = setting(200, "Listings re-checked per run at most.", minimum=1)


@dataclass(frozen=True)
class AudienceSettings:
    min_cell: int = setting(10, "k: audience cells under k listings are suppressed.")
    contact_lists: bool = setting(
        False,
        "Admin switch: campaigners may export SHA-256-hashed buyer contact lists "
        "(segments of at least k listings and k contacts; legal-basis note first).",
    )


@dataclass(frozen=True)
class MailSettings:
    mode: str = setting(
        "dry-run",
        "E-mail digests: `smtp` sends, `dry-run` writes .eml files to <data.dir>/mail, `off`.",
        choices=("off", "dry-run", "smtp"),
    )
    host: str = setting("127.0.0.1", "SMTP server (credentials from the environment).")
    port: int = setting(25, "SMTP port.", minimum=1, maximum=65535)
    starttls: bool = setting(
        True, "Upgrade the SMTP connection with STARTTLS (certificate checked)."
    )
    cafile: str = setting("", "CA bundle for the SMTP server's certificate; empty = the system's.")
    sender: str = setting("wildtrace@localhost", "From address of digests.")
    timeout: float = setting(10.0, "SMTP timeout, in seconds.", minimum=0.001)
    digest_interval_minutes: float = setting(
        1440.0, "`wildtrace run` sends digests and runs saved searches this often.", minimum=0.001
    )
