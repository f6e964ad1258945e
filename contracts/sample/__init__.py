"""The embedded mid and south Essex sample: the generator, its world and the demo."""
