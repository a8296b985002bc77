//! gzip and zstd framing: any bytes either read to the end or fail with an error, never a
//! panic, and never more output than the ratio cap allows (a decompression bomb stops).
#![no_main]

use std::io::Read;

use chaff::input::decompress;
use libfuzzer_sys::fuzz_target;

/// A lower cap and floor than the defaults, so that bombs small enough for a fuzzer trip it
/// soon and each run stays fast.
const MAX_RATIO: u64 = 50;
const FLOOR: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) =
        decompress::wrap_capped(std::io::Cursor::new(data.to_vec()), MAX_RATIO, FLOOR)
    else {
        return;
    };
    // Drain in chunks rather than read_to_end: a bomb must stop by the cap, not by memory.
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n as u64,
        }
        let bound = FLOOR.max(MAX_RATIO * (data.len() as u64 + 1)) + (1 << 17);
        assert!(total <= bound, "{total} bytes out of {} in", data.len());
    }
});
