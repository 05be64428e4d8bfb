"""The delivery core of every live stream (docs/realtime.md, "The delivery core").

- `sockets`: the per-person channel group, close codes, announcing on the channel layer;
- `frames`: JSON frames, their checked fields and typed errors;
- `consumers`: `FrameConsumer` (parse and check frames) and `StreamConsumer` (a numbered stream:
  access re-checked on every frame in the same worker round as its work, typed refusals, `busy`
  back-pressure for writes, `resync` for sockets that fall behind);
- `streams`: the write side (lock the stream row, take its next numbers, announce after commit);
- `presence`: one row per open socket, who is online in a stream.

Rooms (`rooms/`) are one user of it; live intervision sessions will be the second.
"""
