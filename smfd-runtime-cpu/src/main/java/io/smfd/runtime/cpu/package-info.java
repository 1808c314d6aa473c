/**
 * Pure-Java CPU backend (implementation pending; not exported).
 */
package io.smfd.runtime.cpu;
