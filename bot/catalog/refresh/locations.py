"""The price list's names for AWS Regions: usage-type prefix and `location`, by region code.

Used to name a Region the price list prices that `regions.yaml` does not have yet (the generated layer adds it,
English name only), and by the stand-in to build products the way AWS writes them.
"""

from __future__ import annotations

# usage-type prefixes and location names, as the price list writes them
REGIONS: dict[str, tuple[str, str]] = {
    "us-east-1": ("USE1", "US East (N. Virginia)"),
    "us-east-2": ("USE2", "US East (Ohio)"),
    "us-west-2": ("USW2", "US West (Oregon)"),
    "us-gov-west-1": ("UGW1", "AWS GovCloud (US-West)"),
    "ca-central-1": ("CAN1", "Canada (Central)"),
    "sa-east-1": ("SAE1", "South America (Sao Paulo)"),
    "eu-west-1": ("EU", "EU (Ireland)"),
    "eu-west-2": ("EUW2", "EU (London)"),
    "eu-west-3": ("EUW3", "EU (Paris)"),
    "eu-central-1": ("EUC1", "EU (Frankfurt)"),
    "eu-central-2": ("EUC2", "EU (Zurich)"),
    "eu-north-1": ("EUN1", "EU (Stockholm)"),
    "ap-south-1": ("APS3", "Asia Pacific (Mumbai)"),
    "ap-southeast-1": ("APS1", "Asia Pacific (Singapore)"),
    "ap-southeast-2": ("APS2", "Asia Pacific (Sydney)"),
    "ap-northeast-1": ("APN1", "Asia Pacific (Tokyo)"),
    "ap-northeast-2": ("APN2", "Asia Pacific (Seoul)"),
    "ap-northeast-3": ("APN3", "Asia Pacific (Osaka)"),
    "ap-southeast-3": ("APS4", "Asia Pacific (Jakarta)"),
    "ap-southeast-5": ("APS7", "Asia Pacific (Malaysia)"),
    "us-west-1": ("USW1", "US West (N. California)"),
    "eu-south-1": ("EUS1", "EU (Milan)"),
    "us-gov-east-1": ("UGE1", "AWS GovCloud (US-East)"),
}
