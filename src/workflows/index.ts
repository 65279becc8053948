/**
 * Workflow entry point bundled by the worker. Each product workflow is
 * re-exported from here; Temporal uses the exported function name as the
 * workflow type, so names are part of the durable contract.
 */
export {};
