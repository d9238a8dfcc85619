"""Build pipeline for the Sam Altman interview archive: read → parse → clean → enrich → pages → write."""
