"""Building blocks of `keras_gan.train_lib`: the config, checkpoints, the
workdir layout and atomic file writes. Import the modules you need; this
package imports nothing itself."""
