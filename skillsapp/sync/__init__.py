"""Getting results to the province: outbox batches over HTTP, signed USB files,
and verifying what the province publishes (packs and contests)."""
