package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.layer.AvgPool2D;
import dev.kiln.layer.Conv2D;
import dev.kiln.layer.Conv2DTranspose;
import dev.kiln.layer.ConvolutionLayer;
import dev.kiln.layer.GlobalAveragePooling2D;
import dev.kiln.layer.GlobalMaxPool2D;
import dev.kiln.layer.Layer;
import dev.kiln.layer.MaxPool2D;
import dev.kiln.layer.PoolingLayer;
import dev.kiln.layer.Reshape;
import dev.kiln.layer.UpSampling2D;
import dev.kiln.layer.ZeroPadding2D;
import dev.kiln.op.Padding2d;
import dev.kiln.op.WindowOptions;
import java.util.List;

/**
 * The configuration of the image layers as JSON, Keras-style (Keras's names for the settings, Kiln's own type
 * names): {@code {"type": "conv2d", "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "dilation_rate": [1, 1],
 * "padding": "same", ...}}; a window's padding is "valid", "same" or "top,bottom,left,right", ZeroPadding2D's
 * [top, bottom, left, right].
 */
final class ImageLayerCodec {
    static final List<String> TYPES = List.of("conv2d", "conv2d_transpose", "max_pool2d", "avg_pool2d",
            "global_average_pooling2d", "global_max_pool2d", "up_sampling2d", "zero_padding2d", "reshape");

    private ImageLayerCodec() {
    }

    /** Writes the configuration of an image layer into {@code node}; false for any other layer. */
    static boolean encode(Layer layer, ObjectNode node) {
        if (layer instanceof ConvolutionLayer<?> conv) {
            node.put("filters", conv.filters());
            node.putArray("kernel_size").add(conv.kernelHeight()).add(conv.kernelWidth());
            putWindow(node, conv.windowOptions());
            node.putArray("dilation_rate").add(conv.windowOptions().dilationHeight())
                    .add(conv.windowOptions().dilationWidth());
            node.put("activation", conv.activation().key()).put("use_bias", conv.usesBias());
            LayerCodec.putRegularizer(node, "kernel_regularizer", conv.kernelRegularizer(), layer);
            LayerCodec.putRegularizer(node, "bias_regularizer", conv.biasRegularizer(), layer);
        } else if (layer instanceof PoolingLayer<?> pool) {
            node.putArray("pool_size").add(pool.poolHeight()).add(pool.poolWidth());
            putWindow(node, pool.windowOptions());
        } else if (layer instanceof UpSampling2D up) {
            node.putArray("size").add(up.rows()).add(up.columns());
        } else if (layer instanceof ZeroPadding2D pad) {
            var padding = node.putArray("padding");
            for (int p : pad.padding()) {
                padding.add(p);
            }
        } else if (layer instanceof Reshape reshape) {
            var target = node.putArray("target_shape");
            for (int d : reshape.target()) {
                target.add(d);
            }
        } else {
            return layer instanceof GlobalAveragePooling2D || layer instanceof GlobalMaxPool2D;
        }
        return true;
    }

    /** The unbuilt image layer of {@code type} that {@code node} configures. */
    static Layer decode(String type, JsonNode node, String where) {
        return switch (type) {
            case "conv2d", "conv2d_transpose" -> {
                int filters = Json.positiveInt(node, "filters", where);
                int[] kernel = Json.ints(node, "kernel_size", where, 2);
                ConvolutionLayer<?> conv = type.equals("conv2d") ? new Conv2D(filters, kernel[0], kernel[1])
                        : new Conv2DTranspose(filters, kernel[0], kernel[1]);
                int[] strides = Json.ints(node, "strides", where, 2);
                int[] dilation = Json.ints(node, "dilation_rate", where, 2);
                conv.windowOptions(new WindowOptions(strides[0], strides[1], dilation[0], dilation[1],
                        Padding2d.parse(Json.text(node, "padding", where))));
                conv.activation(LayerCodec.activation(node, where))
                        .useBias(Json.bool(node, "use_bias", where))
                        .kernelRegularizer(LayerCodec.regularizer(node, "kernel_regularizer", where))
                        .biasRegularizer(LayerCodec.regularizer(node, "bias_regularizer", where));
                yield conv;
            }
            case "max_pool2d", "avg_pool2d" -> {
                int[] size = Json.ints(node, "pool_size", where, 2);
                PoolingLayer<?> pool = type.equals("max_pool2d") ? new MaxPool2D(size[0], size[1])
                        : new AvgPool2D(size[0], size[1]);
                int[] strides = Json.ints(node, "strides", where, 2);
                pool.strides(strides[0], strides[1]).padding(Padding2d.parse(Json.text(node, "padding", where)));
                yield pool;
            }
            case "global_average_pooling2d" -> new GlobalAveragePooling2D();
            case "global_max_pool2d" -> new GlobalMaxPool2D();
            case "up_sampling2d" -> {
                int[] size = Json.ints(node, "size", where, 2);
                yield new UpSampling2D(size[0], size[1]);
            }
            case "zero_padding2d" -> {
                int[] p = Json.ints(node, "padding", where, 4);
                yield new ZeroPadding2D(p[0], p[1], p[2], p[3]);
            }
            case "reshape" -> new Reshape(Json.ints(node, "target_shape", where, 0));
            default -> throw new KilnException(where + ": '" + type + "' is not an image layer type");
        };
    }

    private static void putWindow(ObjectNode node, WindowOptions options) {
        node.putArray("strides").add(options.strideHeight()).add(options.strideWidth());
        node.put("padding", options.padding().toString());
    }
}
