"""Each pillar's headline results for the Overview: ``headlines(ctx, grain) -> list[Headline]``."""
