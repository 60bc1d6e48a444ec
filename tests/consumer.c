/* A minimal host program, built by tests/install_test.sh against an
 * installed liba2c with nothing but `cc consumer.c $(pkg-config ...)`. */
#include <a2c/a2c.h>

#include <stdio.h>

int main(void)
{
    if (a2c_version_number() != A2C_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", A2C_VERSION_STRING, a2c_version_string());
        return 1;
    }
    a2c_config *cfg = NULL;
    a2c_net *net = NULL;
    a2c_status rc = a2c_config_create(&cfg, NULL);
    if (rc == A2C_OK) rc = a2c_net_create(&net, cfg, 4, 2);
    const float obs[4] = {0.01f, -0.02f, 0.03f, 0.0f};
    int32_t action = -1;
    float value = 0.0f;
    if (rc == A2C_OK) rc = a2c_net_act(net, obs, 1, 1, &action, NULL, &value);
    if (rc != A2C_OK) {
        fprintf(stderr, "consumer: %s\n", a2c_strerror(rc));
        return 1;
    }
    printf("liba2c %s: %zu parameters, greedy action %d, value %.4f\n", a2c_version_string(),
           a2c_net_param_count(net), (int)action, (double)value);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    return action == 0 || action == 1 ? 0 : 1;
}
