// nn-core's browser entry, imported only by ./engine (which the Playground loads with a dynamic
// import, so no other route's JavaScript includes TensorFlow.js).
export * from '@wattwise/nn-core/browser';
