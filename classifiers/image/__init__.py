"""Images: safe decoding, perceptual hashes and hash banks, recognition."""
