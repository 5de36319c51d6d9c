"""An asyncio web crawler with a small job queue."""
