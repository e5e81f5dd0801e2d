// Site-wide progressive enhancements; every page works without them.
