/** The workflow bundle's entry: every workflow the worker runs. */
export { approvalWorkflow } from './approval-workflow.js';
export { signInWorkflow } from './sign-in-workflow.js';
