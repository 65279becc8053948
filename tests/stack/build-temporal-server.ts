import { temporalServerBuild } from '../helpers/temporal-server-build.js';

// `.ci/run` starts this in the background at nice 19 after `npm ci`, so the
// stack suite (the last step of `npm test`) finds the binaries built, or Go's
// build cache warm if it gets there first.
const build = await temporalServerBuild();
process.stdout.write(`temporal-server ${build.version}: ${build.server}\n`);
