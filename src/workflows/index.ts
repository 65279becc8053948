/** The workflow bundle's entry: every workflow the worker runs. */
export { signInWorkflow } from './sign-in-workflow.js';
