/** Placeholder; filled in once binary resolution lands. */
export default function setup(): void {}
